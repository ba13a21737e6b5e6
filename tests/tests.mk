# tests/: host unit tests (Check) and integration tests (pytest + QEMU).
