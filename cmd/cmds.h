/* cmds.h - the subcommands' entry points, dispatched by main.c. */
#ifndef GCSIM_CMD_CMDS_H
#define GCSIM_CMD_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_gen(int argc, char **argv);

#endif
