# The warning set of ../shared/style.md, applied to every target of the project.
add_compile_options(
	-Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes
	-Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough -Wwrite-strings
	-Wno-unused-parameter)
add_compile_definitions(_GNU_SOURCE)
if(BEDROOMD_WERROR)
	add_compile_options(-Werror)
endif()
if(BEDROOMD_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
		-fno-sanitize-recover=all)
	add_link_options(-fsanitize=address,undefined)
endif()
