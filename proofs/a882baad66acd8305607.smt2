; corpus/equivalent/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x571 (bvsub RSP (_ bv8 64))))
(let ((?x669 (bvadd ?x571 (_ bv8 64))))
(let (($x555 (and (distinct ?x669 RSP) true)))
(let (($x250 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x310 (= VM (_ bv0 1))))
(let (($x264 (= DF (_ bv0 1))))
(and $x264 $x310 (or $x250 $x555)))))))))
(check-sat)
