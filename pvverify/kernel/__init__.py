"""The booted-kernel view: everything pvverify reads from kernel binaries.

- `elf`: images (vmlinux, modules, objects) as sections, symbols and bytes
- `compressed`: `.ko.xz`, `.ko.gz` and `.ko.zst` modules, inflated within bounds
- `dwarf`: the few DWARF structs the gate needs, read from one unit
- `records`: outcomes, skips, layouts and ops tables: the vocabulary of every era
  (its docstring has the table of which module reads which era)
- `era_para`: `.parainstructions` (2.6.20 - 6.7) and each era's patcher
- `templates`: the per-op templates of the kernels before 5.13, from the binary
- `era_alt`: `.altinstructions` groups under each series' patch rule
- `unpatched`: ops-table calls no record covers
- `optable`: what each ops-table slot is (convention, signature)
- `closure`: the functions a target runs, as boot leaves them
- `binary`: one binary read whole, a module against its vmlinux
"""
