# boot/: the GNU-EFI loader, BOOTX64.EFI (flags: ../shared/notes/boot-facts.md;
# -DGNU_EFI_USE_MS_ABI makes EFIAPI calls direct).
EFI_CFLAGS := -I/usr/include/efi -I/usr/include/efi/x86_64 -I/usr/include/efi/protocol -I. \
	-fpic -fshort-wchar -mno-red-zone -ffreestanding -fno-stack-protector \
	-fno-strict-aliasing -fno-stack-check -maccumulate-outgoing-args \
	-DGNU_EFI_USE_MS_ABI -Wall -Wextra -Werror -Wno-unused-parameter -O2
EFI_LDS := /usr/lib/elf_x86_64_efi.lds
EFI_CRT0 := /usr/lib/crt0-efi-x86_64.o

$(B)/boot/loader.o: boot/loader.c boot/bootinfo.h
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(B)/boot/loader.so: $(B)/boot/loader.o
	$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) $(EFI_CRT0) $< -o $@ \
		-L/usr/lib -lefi -lgnuefi

$(B)/BOOTX64.EFI: $(B)/boot/loader.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
