# The warning set of ../shared/style.md, applied to every target of the project.
add_compile_options(
	-Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes
	-Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough -Wwrite-strings
	-Wno-unused-parameter)
add_compile_definitions(_GNU_SOURCE)
# 64-bit file offsets and time_t on 32-bit targets too (armhf), as Debian trixie builds
# everything: readdir() of a 32-bit program otherwise fails with EOVERFLOW where the
# file system hands out 64-bit directory offsets, and time_t ends in 2038. No library
# bedroomd uses has time_t or off_t in its API. No effect on 64-bit targets.
add_compile_definitions(_FILE_OFFSET_BITS=64 _TIME_BITS=64)
if(BEDROOMD_WERROR)
	add_compile_options(-Werror)
endif()
if(BEDROOMD_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
		-fno-sanitize-recover=all)
	add_link_options(-fsanitize=address,undefined)
endif()
