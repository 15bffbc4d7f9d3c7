; corpus/equivalent/x86_64-cpuid.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x139 (bvsub RSP (_ bv8 64))))
(let ((?x297 (bvadd ?x139 (_ bv8 64))))
(let (($x249 (and (distinct ?x297 RSP) true)))
(let (($x270 (and (distinct (_ bv18446744071578845196 64) (_ bv18446744071578845196 64)) true)))
(let (($x207 (= VM (_ bv0 1))))
(let (($x42 (= DF (_ bv0 1))))
(and $x42 $x207 (or $x270 $x249)))))))))
(check-sat)
