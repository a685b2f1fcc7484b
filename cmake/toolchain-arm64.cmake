# Debian arm64 (64-bit Raspberry Pi OS, Pi 3/4/5): cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(BEDROOMD_CROSS_TRIPLET aarch64-linux-gnu)
set(BEDROOMD_CROSS_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
