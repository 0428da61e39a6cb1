# Cross-compiling the Windows agent on Debian with mingw-w64 (measured facts:
# shared/notes/windows-cross.md). Use: cmake -S agents/windows -B build-win
#   -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake   (scripts/windows-cross-test does this)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(TOOLCHAIN_PREFIX x86_64-w64-mingw32)
# The -posix thread model: GCC 12's -win32 variant has no std::thread or std::mutex.
set(CMAKE_C_COMPILER ${TOOLCHAIN_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TOOLCHAIN_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${TOOLCHAIN_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${TOOLCHAIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static: otherwise the exe needs libstdc++/libgcc/libwinpthread DLLs, and wine
# with WINEDEBUG=-all exits silently with rc=53 when one is missing.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
find_program(WINE_EXECUTABLE NAMES wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(WINE_EXECUTABLE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WINE_EXECUTABLE})
endif()
