// Running as a Windows service: install/uninstall through the service control
// manager, and the ServiceMain / control-handler protocol around a body that
// runs until asked to stop. Windows only.
#pragma once
#include <atomic>
#include <functional>
#include <string>

namespace gb {

inline constexpr wchar_t kServiceName[] = L"GridBackupUsnAgent";

// Registers the service to start automatically as LocalSystem (the journal
// FSCTLs need an administrator's volume handle) with `command_line`.
bool install_service(const std::wstring& command_line, std::string& error);
bool uninstall_service(std::string& error);

// Connects to the SCM and runs `body` as the service; `body` returns when
// `stop` becomes true. Returns the process exit code. Blocks about 10 s and
// fails (error 1063) when the process was not started by the SCM — so tests
// never call it, they use `run --console`.
int run_as_service(std::function<int(const std::atomic<bool>& stop)> body, std::string& error);

}  // namespace gb
