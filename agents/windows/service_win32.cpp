#include "agents/windows/service_win32.h"

#include <windows.h>

namespace gb {
namespace {

// The SCM calls ServiceMain and the handler without a user pointer for the
// former, so the one service of this process lives here.
struct ServiceState {
  std::function<int(const std::atomic<bool>&)> body;
  std::atomic<bool> stop{false};
  SERVICE_STATUS_HANDLE handle = nullptr;
  SERVICE_STATUS status{};
  int exit_code = 0;
};
ServiceState* g_service = nullptr;

std::string last_error(const char* what) {
  DWORD e = GetLastError();
  return std::string(what) + " failed (error " + std::to_string(e) + ")";
}

void report(DWORD state, DWORD exit_code = NO_ERROR) {
  g_service->status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  g_service->status.dwCurrentState = state;
  g_service->status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  g_service->status.dwWin32ExitCode = exit_code;
  g_service->status.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 5000;
  SetServiceStatus(g_service->handle, &g_service->status);
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      report(SERVICE_STOP_PENDING);
      g_service->stop = true;  // the body sees it within one journal read timeout (2 s)
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  g_service->handle = RegisterServiceCtrlHandlerExW(kServiceName, control_handler, nullptr);
  if (!g_service->handle) return;
  report(SERVICE_RUNNING);
  g_service->exit_code = g_service->body(g_service->stop);
  report(SERVICE_STOPPED, g_service->exit_code ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR);
}

struct ScHandle {
  SC_HANDLE h;
  ~ScHandle() {
    if (h) CloseServiceHandle(h);
  }
};

}  // namespace

bool install_service(const std::wstring& command_line, std::string& error) {
  ScHandle scm{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE)};
  if (!scm.h) return error = last_error("OpenSCManager (run as administrator)"), false;
  ScHandle svc{CreateServiceW(scm.h, kServiceName, L"GridBackup USN journal agent", SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                              SERVICE_ERROR_NORMAL, command_line.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr)};
  if (!svc.h) return error = last_error("CreateService"), false;
  SERVICE_DESCRIPTIONW desc{const_cast<wchar_t*>(L"Reads the NTFS change journal for GridBackup's narrow-slice backups")};
  ChangeServiceConfig2W(svc.h, SERVICE_CONFIG_DESCRIPTION, &desc);
  return true;
}

bool uninstall_service(std::string& error) {
  ScHandle scm{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)};
  if (!scm.h) return error = last_error("OpenSCManager (run as administrator)"), false;
  ScHandle svc{OpenServiceW(scm.h, kServiceName, SERVICE_STOP | DELETE | SERVICE_QUERY_STATUS)};
  if (!svc.h) return error = last_error("OpenService"), false;
  SERVICE_STATUS status{};
  ControlService(svc.h, SERVICE_CONTROL_STOP, &status);  // a stopped service refuses: fine
  if (!DeleteService(svc.h)) return error = last_error("DeleteService"), false;
  return true;
}

int run_as_service(std::function<int(const std::atomic<bool>& stop)> body, std::string& error) {
  ServiceState state;
  state.body = std::move(body);
  g_service = &state;
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), service_main}, {nullptr, nullptr}};
  bool ok = StartServiceCtrlDispatcherW(table);
  g_service = nullptr;
  if (!ok) return error = last_error("StartServiceCtrlDispatcher (not started by the service manager?)"), 1;
  return state.exit_code;
}

}  // namespace gb
