// libcurl, loaded on first use. Only the network backends (S3, SFTP) need it,
// but linking it loads its whole dependency tree (TLS, Kerberos, LDAP, RTMP:
// about 30 shared libraries) into every process, which cost ~30 ms of page
// faults at each start on our test machines: more than a whole narrow-slice
// backup's hashing. So the few entry points the backends call are defined
// here and forward to the library opened with dlopen the first time one runs.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename our definitions
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace {

struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

// A missing libcurl is a broken installation, not a run-time condition a
// caller could handle: say so in one sentence and stop. (_Exit: other
// threads may be running; nothing has been stored through the backend yet,
// since this happens when it is first opened.)
[[noreturn]] void cannot_load(const char* what) {
  std::fprintf(stderr, "gridbackup: cannot load libcurl (needed for network storage): %s\n", what ? what : "unknown error");
  std::fflush(stderr);
  std::_Exit(1);
}

template <typename F>
void bind(void* lib, const char* name, F& slot) {
  void* sym = dlsym(lib, name);
  if (!sym) cannot_load(dlerror());
  slot = reinterpret_cast<F>(sym);
}

CurlApi load() {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib) cannot_load(dlerror());
  CurlApi api{};
  bind(lib, "curl_global_init", api.global_init);
  bind(lib, "curl_easy_init", api.easy_init);
  bind(lib, "curl_easy_cleanup", api.easy_cleanup);
  bind(lib, "curl_easy_reset", api.easy_reset);
  bind(lib, "curl_easy_perform", api.easy_perform);
  bind(lib, "curl_easy_setopt", api.easy_setopt);
  bind(lib, "curl_easy_getinfo", api.easy_getinfo);
  bind(lib, "curl_easy_strerror", api.easy_strerror);
  bind(lib, "curl_slist_append", api.slist_append);
  bind(lib, "curl_slist_free_all", api.slist_free_all);
  return api;
}

const CurlApi& curl() {
  static const CurlApi api = load();  // thread-safe once
  return api;
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) { return curl().global_init(flags); }
CURL* curl_easy_init(void) { return curl().easy_init(); }
void curl_easy_cleanup(CURL* h) { curl().easy_cleanup(h); }
void curl_easy_reset(CURL* h) { curl().easy_reset(h); }
CURLcode curl_easy_perform(CURL* h) { return curl().easy_perform(h); }
const char* curl_easy_strerror(CURLcode code) { return curl().easy_strerror(code); }
curl_slist* curl_slist_append(curl_slist* list, const char* text) { return curl().slist_append(list, text); }
void curl_slist_free_all(curl_slist* list) { curl().slist_free_all(list); }

// The option's number says the type of its argument (curl.h: CURLOPTTYPE_*),
// exactly as libcurl itself reads it.
CURLcode curl_easy_setopt(CURL* h, CURLoption option, ...) {
  va_list args;
  va_start(args, option);
  CURLcode code;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    code = curl().easy_setopt(h, option, va_arg(args, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    code = curl().easy_setopt(h, option, va_arg(args, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    code = curl().easy_setopt(h, option, va_arg(args, void (*)()));
  } else if (option < CURLOPTTYPE_BLOB) {
    code = curl().easy_setopt(h, option, va_arg(args, curl_off_t));
  } else {
    code = curl().easy_setopt(h, option, va_arg(args, void*));
  }
  va_end(args);
  return code;
}

// Every CURLINFO_* takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* h, CURLINFO info, ...) {
  va_list args;
  va_start(args, info);
  void* out = va_arg(args, void*);
  va_end(args);
  return curl().easy_getinfo(h, info, out);
}

}  // extern "C"
