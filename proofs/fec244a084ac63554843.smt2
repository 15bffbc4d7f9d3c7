; corpus/not-equivalent/x86_64-write_cr3-from-rsi.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSI () (_ BitVec 64))
(declare-fun RDI () (_ BitVec 64))
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let (($x1800 (and (distinct RDI RSI) true)))
(let ((?x3527 (bvsub RSP (_ bv8 64))))
(let ((?x1487 (bvadd ?x3527 (_ bv8 64))))
(let (($x1809 (and (distinct ?x1487 RSP) true)))
(let (($x3467 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x498 (= VM (_ bv0 1))))
(let (($x1046 (= DF (_ bv0 1))))
(and $x1046 $x498 (or $x3467 $x1800 $x1809 $x1800))))))))))
(check-sat)
