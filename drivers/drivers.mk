# drivers/: serial console (more with the network issue).
KERNEL_SRCS += drivers/uart16550.c
