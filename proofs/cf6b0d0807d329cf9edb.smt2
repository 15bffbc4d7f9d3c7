; corpus/equivalent/x86_64-mfence.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x154 (bvsub RSP (_ bv8 64))))
(let ((?x196 (bvadd ?x154 (_ bv8 64))))
(let (($x24 (and (distinct ?x196 RSP) true)))
(let (($x109 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x17 (= VM (_ bv0 1))))
(let (($x40 (= DF (_ bv0 1))))
(and $x40 $x17 (or $x109 $x24)))))))))
(check-sat)
