; corpus/equivalent/x86_64-irq_enable-sti.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x204 (bvsub RSP (_ bv8 64))))
(let ((?x40 (bvadd ?x204 (_ bv8 64))))
(let (($x140 (and (distinct ?x40 RSP) true)))
(let (($x151 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x7 (= VM (_ bv0 1))))
(let (($x42 (= DF (_ bv0 1))))
(and $x42 $x7 (or $x151 $x140)))))))))
(check-sat)
