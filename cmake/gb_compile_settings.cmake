# The language, build type and warnings of every GridBackup project: the
# top-level one, and agents/windows when it is a project of its own
# (cross-compiled with mingw-w64 by scripts/windows-cross-test).
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
add_compile_options(-Wall -Wextra)
