# Cross-compiling on Debian with its cross compilers and multiarch -dev packages
# (dpkg --add-architecture ARCH; apt-get install crossbuild-essential-ARCH
# libfoo-dev:ARCH): tools/cross-build installs them. Included by toolchain-ARCH.cmake,
# which sets BEDROOMD_CROSS_TRIPLET and CMAKE_SYSTEM_PROCESSOR first.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${BEDROOMD_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${BEDROOMD_CROSS_TRIPLET})

# Multiarch: the target's libraries live beside the build machine's, in
# /usr/lib/TRIPLET, which CMake searches through CMAKE_LIBRARY_ARCHITECTURE; programs
# (mosquitto for the integration tests' set-up) are the build machine's.

# pkgconf:ARCH installs TRIPLET-pkg-config, which reads only the target's .pc files.
set(PKG_CONFIG_EXECUTABLE ${BEDROOMD_CROSS_TRIPLET}-pkg-config CACHE FILEPATH "")

# ctest runs the target's test programs under qemu-user (qemu-user-static): no binfmt
# registration needed, so it also works in a container. The target's dynamic loader
# and libraries come from the multiarch packages, at their usual paths.
find_program(BEDROOMD_CROSS_QEMU NAMES qemu-${BEDROOMD_CROSS_QEMU_ARCH}-static
	qemu-${BEDROOMD_CROSS_QEMU_ARCH})
if(BEDROOMD_CROSS_QEMU)
	set(CMAKE_CROSSCOMPILING_EMULATOR ${BEDROOMD_CROSS_QEMU})
endif()
