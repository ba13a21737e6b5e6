/*
 * The 8259A pair: remapped to vectors 0x20-0x2f so a stray interrupt from
 * it cannot look like a CPU exception, then fully masked; the IOAPIC and
 * MSI-X deliver everything.  (Intel 8259A data sheet, ICW1-ICW4, OCW1.)
 */
#include "kernel/apic.h"
#include "kernel/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20); /* ICW2: vector offsets */
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 0x02);
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff); /* OCW1: mask everything */
	outb(PIC2_DATA, 0xff);
}
