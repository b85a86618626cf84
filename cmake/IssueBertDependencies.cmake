# Third-party packages. LibTorch's include directories are marked SYSTEM so its
# headers' warnings (unused parameters, old-style casts) do not drown ours.
find_package(Torch REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
find_package(Threads REQUIRED)

# A clean wrapper target: torch's libraries with SYSTEM includes, without the
# compile flags Caffe2's config pushes onto every consumer.
add_library(issuebert_torch INTERFACE)
target_include_directories(issuebert_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(issuebert_torch INTERFACE ${TORCH_LIBRARIES})

if(ISSUEBERT_BUILD_GUI)
  find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets Network PrintSupport Concurrent Test)
  find_package(QCustomPlotQt6 REQUIRED)
  set(CMAKE_AUTOMOC ON)
  qt_standard_project_setup()
endif()

# c10d's Gloo backend for data-parallel training (core/train/data_parallel.cpp):
# LibTorch's c10d headers and Gloo's own (Debian: libgloo-dev, the Gloo
# Debian's LibTorch links). Without them the build trains in one process only.
find_file(ISSUEBERT_C10D_GLOO_HEADER torch/csrc/distributed/c10d/ProcessGroupGloo.hpp
  PATHS ${TORCH_INCLUDE_DIRS} NO_DEFAULT_PATH)
find_path(ISSUEBERT_GLOO_INCLUDE_DIR gloo/context.h HINTS ${TORCH_INCLUDE_DIRS})
if(ISSUEBERT_C10D_GLOO_HEADER AND ISSUEBERT_GLOO_INCLUDE_DIR)
  set(ISSUEBERT_HAVE_C10D ON)
  message(STATUS "Data-parallel training: c10d with Gloo")
else()
  set(ISSUEBERT_HAVE_C10D OFF)
  message(STATUS "Data-parallel training: off (no c10d Gloo headers; Debian: libgloo-dev)")
endif()
