# Debian armhf (32-bit Raspberry Pi OS, Pi 2 and later): cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake
set(CMAKE_SYSTEM_PROCESSOR arm)
set(BEDROOMD_CROSS_TRIPLET arm-linux-gnueabihf)
set(BEDROOMD_CROSS_QEMU_ARCH arm)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
