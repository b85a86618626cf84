# The layer order, checked on every build (cmake -P, run by the
# issuebert_layers target that core depends on): each include must point
# down or sideways, never up.
#   app > ui > core; inside core io < text < data < model < eval < train, with
#   core/runtime.h above train and core/version.h (constants) open to all.
#   core never includes Qt, ui never LibTorch (docs/ARCHITECTURE.md, Layers).
# Usage: cmake -DROOT=<source dir> -DSTAMP=<file written when all is well> -P CheckLayers.cmake
cmake_minimum_required(VERSION 3.25)

set(layers io text data model eval train)

# The rank of a core folder in the order, or -1 for none.
function(core_rank folder out)
  list(FIND layers "${folder}" rank)
  set(${out} ${rank} PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE "${ROOT}"
  "${ROOT}/core/*.h" "${ROOT}/core/*.cpp" "${ROOT}/ui/*.h" "${ROOT}/ui/*.cpp")
set(problems "")
foreach(source IN LISTS sources)
  if(source MATCHES "^ui/")
    set(top ui)
    set(folder "")
    set(rank 1000)
  elseif(source MATCHES "^core/([a-z_]+)/")
    set(top core)
    set(folder "${CMAKE_MATCH_1}")
    core_rank("${folder}" rank)
  else() # core/runtime.cpp, core/version.h: above every core folder
    set(top core)
    set(folder "")
    set(rank 100)
  endif()
  file(STRINGS "${ROOT}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" target "${line}")
    set(why "")
    if(target MATCHES "^app/")
      set(why "app is above ${top}")
    elseif(target MATCHES "^ui/" AND top STREQUAL "core")
      set(why "ui is above core")
    elseif(top STREQUAL "core" AND target MATCHES "^Q[A-Za-z]*(/|$)")
      set(why "core is Qt-free")
    elseif(top STREQUAL "ui" AND target MATCHES "^(torch|ATen|c10|caffe2)/")
      set(why "ui never includes LibTorch (Qt's slots macro breaks its headers)")
    elseif(target STREQUAL "core/runtime.h" AND rank LESS 100)
      set(why "core/runtime.h is above every core folder")
    elseif(target MATCHES "^core/([a-z_]+)/")
      core_rank("${CMAKE_MATCH_1}" wanted)
      if(wanted GREATER rank)
        set(why "core/${folder} may not include core/${CMAKE_MATCH_1} (io < text < data < model < eval < train)")
      endif()
    endif()
    if(NOT why STREQUAL "")
      string(APPEND problems "  ${source}: #include \"${target}\": ${why}\n")
    endif()
  endforeach()
endforeach()

if(NOT problems STREQUAL "")
  message(FATAL_ERROR "Includes against the layer order (docs/ARCHITECTURE.md):\n${problems}")
endif()
file(WRITE "${STAMP}" "layers checked\n")
