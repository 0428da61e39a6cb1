# ctest -P script (cross build): the agent as a Windows service under wine's
# service manager: install, start (RUNNING), stop (the control handler ends
# the agent loop), uninstall. All in one `wine cmd /c` batch: between
# separate wine calls services.exe shuts down and takes the service with it
# (shared/notes/windows-cross.md, section 4).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
string(REPLACE "/" "\\" agent "Z:${AGENT}")
string(REPLACE "/" "\\" state "Z:${WORK}/state")
string(REPLACE "/" "\\" bat "Z:${WORK}/svc.bat")
set(lines
  "@echo off"
  "rem A service left registered by an interrupted earlier run would make install fail."
  "\"${agent}\" uninstall >nul 2>&1"
  "\"${agent}\" install --volume C: --state \"${state}\""
  "echo install=%ERRORLEVEL%"
  "net start GridBackupUsnAgent"
  "sc query GridBackupUsnAgent"
  "net stop GridBackupUsnAgent"
  "\"${agent}\" uninstall"
  "echo uninstall=%ERRORLEVEL%")
string(REPLACE ";" "\r\n" text "${lines}")
file(WRITE ${WORK}/svc.bat "${text}\r\n")
execute_process(COMMAND ${EMULATOR} cmd /c ${bat} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                INPUT_FILE /dev/null TIMEOUT 60)
message(STATUS "rc=${rc}\n${out}\n${err}")
foreach(want "install=0" "STATE              : 4  RUNNING" "uninstall=0")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing from the batch's output: ${want}")
  endif()
endforeach()
# wine's `net stop` may return while the service is still STOP_PENDING: give
# the agent up to 10 s to finish and log "stopped".
foreach(i RANGE 50)
  file(READ ${WORK}/state/agent.log log)
  if(log MATCHES "stopped")
    break()
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.2)
endforeach()
message(STATUS "agent.log:\n${log}")
foreach(want "watching C:" "is not available" "stopped")
  string(FIND "${log}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing from agent.log: ${want}")
  endif()
endforeach()
