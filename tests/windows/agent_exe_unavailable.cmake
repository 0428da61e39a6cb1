# ctest -P script (cross build): gridbackup-usn-agent.exe under wine, where
# the journal FSCTLs fail with error 50. Expect exit 3, one sentence naming
# the cause and the full scan, an Overflow in the spool, a recording.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${EMULATOR} ${AGENT} run --console --once --volume C: --state Z:${WORK}/state
                        --record Z:${WORK}/C.rec
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
message(STATUS "rc=${rc}\nstdout: ${out}\nstderr: ${err}")
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "expected exit code 3 (journal unavailable), got ${rc}")
endif()
if(NOT err MATCHES "the USN journal of C:\\\\ is not available \\(.*error 50\\): the next backup scans the volume in full")
  message(FATAL_ERROR "the one-sentence explanation is missing from stderr")
endif()
file(GLOB segments ${WORK}/state/spool/*.gbcr)
list(LENGTH segments n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one spool segment, found ${n}")
endif()
file(READ ${segments} spool HEX)
# "GBCR1\n", a length, then kind 7 (overflow) as the record's first byte.
if(NOT spool MATCHES "^47424352310a........07")
  message(FATAL_ERROR "the spool does not hold an Overflow record: ${spool}")
endif()
file(READ ${WORK}/C.rec rec LIMIT 7)
if(NOT rec STREQUAL "GBREC1\n")
  message(FATAL_ERROR "no recording written")
endif()
file(READ ${WORK}/state/agent.log log)
if(NOT log MATCHES "is not available")
  message(FATAL_ERROR "agent.log does not hold the explanation")
endif()
