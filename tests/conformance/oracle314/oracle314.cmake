# The CPython 3.14.2 oracle (oracle314.mjs): Pyodide's interpreter, driven
# from Node.  Included by tests/conformance/CMakeLists.txt.
#
# Tests, all labelled conformance:
#   conformance.oracle314.setup      load Pyodide, check version, layout,
#                                    hash seed and free lists, and make the
#                                    memory snapshot the others start from
#   conformance.oracle314.scenario   oracle314.mjs --check over traces/ (the
#   conformance.oracle314.traces     scenario library), tests/conformance/
#   conformance.oracle314.traces314  traces/ and tests/conformance/traces314/:
#                                    every expect line in CPython 3.14.2,
#                                    with the known failures of xfail.txt;
#                                    one process per directory, a fresh
#                                    interpreter from the snapshot per trace
#   conformance.oracle314.python-level  pylevel.py: the same 3.14.2 rules
#                                    seen from Python code in Pyodide
#   conformance.oracle314.record     the oracle's run of every trace of the
#                                    three directories and the random traces,
#                                    recorded in one process (--record)
#   conformance.compare.oracle314    compare.py --recorded: gcsim --python
#                                    3.14.2 against those runs, step by step
# Every test skips (77) where node, the npm package or gcsim is missing;
# traces pinned to another version are skipped inside a run.

set(_o314_dir "${CMAKE_CURRENT_LIST_DIR}")
get_filename_component(_o314_root "${_o314_dir}/../../.." ABSOLUTE)
find_program(GCSIM_NODE NAMES node nodejs)
set(_o314_snapshot "${CMAKE_BINARY_DIR}/oracle314/pyodide-314.0.7.snapshot")

# The command that runs the oracle, or a skip when it cannot run here.
if(GCSIM_NODE AND TARGET gcsim)
  set(_o314_cmd "${GCSIM_NODE}" "${_o314_dir}/oracle314.mjs" --check
    --gcsim $<TARGET_FILE:gcsim> --snapshot "${_o314_snapshot}")
  set(_o314_setup "${GCSIM_NODE}" "${_o314_dir}/oracle314.mjs"
    --make-snapshot --snapshot "${_o314_snapshot}")
  set(_o314_pylevel "${GCSIM_NODE}" "${_o314_dir}/pylevel.mjs"
    --snapshot "${_o314_snapshot}")
  message(STATUS "conformance: oracle314 (CPython 3.14.2 in Pyodide) with ${GCSIM_NODE}")
else()
  set(_o314_cmd sh -c "echo 'oracle314: skip: node or the gcsim target not found' >&2; exit 77" sh)
  set(_o314_setup ${_o314_cmd})
  set(_o314_pylevel ${_o314_cmd})
  message(STATUS "conformance: no node or no gcsim target: oracle314 tests will skip")
endif()

add_test(NAME conformance.oracle314.setup COMMAND ${_o314_setup})
set_tests_properties(conformance.oracle314.setup PROPERTIES
  FIXTURES_SETUP oracle314 SKIP_RETURN_CODE 77 LABELS conformance)

foreach(_d IN ITEMS "scenario|traces" "traces|tests/conformance/traces"
               "traces314|tests/conformance/traces314")
  string(REPLACE "|" ";" _d "${_d}")
  list(GET _d 0 _name)
  list(GET _d 1 _dir)
  add_test(NAME conformance.oracle314.${_name}
    COMMAND ${_o314_cmd} "${_o314_root}/${_dir}")
  set_tests_properties(conformance.oracle314.${_name} PROPERTIES
    FIXTURES_REQUIRED oracle314 SKIP_RETURN_CODE 77 LABELS conformance)
endforeach()

add_test(NAME conformance.oracle314.python-level COMMAND ${_o314_pylevel})
set_tests_properties(conformance.oracle314.python-level PROPERTIES
  FIXTURES_REQUIRED oracle314 SKIP_RETURN_CODE 77 LABELS conformance)

# gcsim's 3.14.2 profile against the oracle, step by step.  Recording every
# trace in one process costs a snapshot load per trace instead of a
# process start; compare.py then reads the records.
set(_o314_recorded "${CMAKE_BINARY_DIR}/oracle314/recorded")
set(_o314_dirs "${_o314_root}/traces" "${_o314_root}/tests/conformance/traces"
  "${_o314_root}/tests/conformance/traces314" "${CMAKE_BINARY_DIR}/random-traces")
find_program(_o314_python3 NAMES python3)
if(GCSIM_NODE AND TARGET gcsim AND _o314_python3)
  add_test(NAME conformance.oracle314.record
    COMMAND "${GCSIM_NODE}" "${_o314_dir}/oracle314.mjs" --record "${_o314_recorded}"
      --gcsim $<TARGET_FILE:gcsim> --snapshot "${_o314_snapshot}" ${_o314_dirs})
  add_test(NAME conformance.compare.oracle314
    COMMAND "${_o314_python3}" "${_o314_dir}/../compare.py" --gcsim $<TARGET_FILE:gcsim>
      --oracle "${_o314_dir}/oracle314.mjs" --recorded "${_o314_recorded}"
      --python 3.14.2 --quiet ${_o314_dirs})
else()
  add_test(NAME conformance.oracle314.record COMMAND ${_o314_cmd})
  add_test(NAME conformance.compare.oracle314 COMMAND ${_o314_cmd})
endif()
set_tests_properties(conformance.oracle314.record PROPERTIES
  FIXTURES_SETUP oracle314_recorded FIXTURES_REQUIRED "oracle314;random_traces"
  SKIP_RETURN_CODE 77 LABELS conformance)
set_tests_properties(conformance.compare.oracle314 PROPERTIES
  FIXTURES_REQUIRED oracle314_recorded SKIP_RETURN_CODE 77 LABELS conformance)
