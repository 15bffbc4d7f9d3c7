; corpus/not-equivalent/x86_64-df-left-set.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun DF () (_ BitVec 1))
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(assert
 (let ((?x1151 ((_ extract 0 0) (_ bv1 8))))
(let ((?x1476 ((_ extract 0 0) ((_ zero_extend 7) DF))))
(let (($x438 (and (distinct ?x1476 ?x1151) true)))
(let ((?x1501 (bvsub RSP (_ bv8 64))))
(let ((?x174 (bvadd ?x1501 (_ bv8 64))))
(let (($x1046 (and (distinct ?x174 RSP) true)))
(let (($x1314 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1274 (= VM (_ bv0 1))))
(let (($x1130 (= DF (_ bv0 1))))
(and $x1130 $x1274 (or $x1314 $x1046 $x438))))))))))))
(check-sat)
