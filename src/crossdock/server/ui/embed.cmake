# Embeds the web UI (this folder's .html, .js and .css files) into crossdock_server: at build
# time embed_assets.cmake writes ui_assets.cc with each file as a byte array, so the binary
# serves the UI with nothing on disk. Included from src/crossdock/CMakeLists.txt after the
# crossdock_server target is defined.
file(GLOB crossdock_ui_files CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_LIST_DIR}/*.html ${CMAKE_CURRENT_LIST_DIR}/*.js ${CMAKE_CURRENT_LIST_DIR}/*.css)
set(crossdock_ui_out ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.cc)
add_custom_command(
  OUTPUT ${crossdock_ui_out}
  COMMAND ${CMAKE_COMMAND} -DOUT=${crossdock_ui_out} -DDIR=${CMAKE_CURRENT_LIST_DIR}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  DEPENDS ${crossdock_ui_files} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  COMMENT "Embedding the web UI")
target_sources(crossdock_server PRIVATE ${crossdock_ui_out})
