; corpus/equivalent/x86_64-read_cr8.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x115 (bvsub RSP (_ bv8 64))))
(let ((?x290 (bvadd ?x115 (_ bv8 64))))
(let (($x150 (and (distinct ?x290 RSP) true)))
(let (($x78 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x106 (= VM (_ bv0 1))))
(let (($x220 (= DF (_ bv0 1))))
(and $x220 $x106 (or $x78 $x150)))))))))
(check-sat)
