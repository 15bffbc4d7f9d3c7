; corpus/equivalent/x86_64-read_msr.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x223 (bvsub RSP (_ bv8 64))))
(let ((?x580 (bvadd ?x223 (_ bv8 64))))
(let (($x23 (and (distinct ?x580 RSP) true)))
(let (($x661 (and (distinct (_ bv18446744071578845200 64) (_ bv18446744071578845200 64)) true)))
(let (($x78 (= VM (_ bv0 1))))
(let (($x290 (= DF (_ bv0 1))))
(and $x290 $x78 (or $x661 $x23)))))))))
(check-sat)
