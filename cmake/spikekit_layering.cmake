# The layering of docs/architecture.md, checked when the build is configured: a module includes its own
# headers, the standard library and third-party headers, and the public headers (spikekit/<module>/...) of
# the modules it may depend on; never another module's src/ and never a path that climbs out of its own
# folder. A violation stops the configuration, so it fails every build.
set(SPIKEKIT_LAYERS
  "arith:arith"
  "io:io"
  "core:arith,io,core"
  "neurons:arith,io,core,neurons"
  "learning:arith,io,core,learning"
  "events:arith,io,core,events"
  "converters:arith,io,core,neurons,learning,converters"
  "chips:arith,io,core,neurons,learning,chips"
  "runtime:arith,runtime"
  "exporter:arith,core,neurons,learning,runtime,exporter"
  "python:arith,io,core,neurons,learning,events,converters,chips,runtime,exporter")

function(spikekit_check_layering root)
  set(problems "")
  foreach(entry ${SPIKEKIT_LAYERS})
    string(REPLACE ":" ";" parts "${entry}")
    list(GET parts 0 module)
    list(GET parts 1 allowed)
    string(REPLACE "," ";" allowed "${allowed}")
    if(NOT IS_DIRECTORY ${root}/${module})
      continue()
    endif()
    file(GLOB_RECURSE files ${root}/${module}/*.hpp ${root}/${module}/*.cpp ${root}/${module}/*.h ${root}/${module}/*.c)
    foreach(f ${files})
      file(STRINGS ${f} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
      file(RELATIVE_PATH rel ${root} ${f})
      foreach(line ${includes})
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" path "${line}")
        if(path MATCHES "^\\.\\./" OR path MATCHES "/\\.\\./" OR path MATCHES "(^|/)src/")
          string(APPEND problems "\n  ${rel} includes \"${path}\": another folder's private code")
        elseif(path MATCHES "^spikekit/([a-z_]+)/")
          set(dep ${CMAKE_MATCH_1})
          if(NOT dep IN_LIST allowed)
            string(APPEND problems "\n  ${rel} includes \"${path}\": ${module} may not depend on ${dep}")
          endif()
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "layering (docs/architecture.md) broken:${problems}")
  endif()
endfunction()
