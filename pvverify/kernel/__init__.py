"""The booted-kernel view: everything pvverify reads from kernel binaries.

- `elf`: images (vmlinux, modules, objects) as sections, symbols and bytes
- `dwarf`: the few DWARF structs the gate needs, read from one unit
- `records`: the patch records of each kernel era and the outcomes they allow
- `optable`: what each ops-table slot is (convention, signature)
- `closure`: the functions a target runs, as boot leaves them
- `binary`: one binary read whole, a module against its vmlinux
"""
