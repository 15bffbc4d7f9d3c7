; corpus/not-equivalent/x86_64-outw-too-wide.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1972 (bvsub RSP (_ bv8 64))))
(let ((?x1501 (bvadd ?x1972 (_ bv8 64))))
(let (($x1616 (and (distinct ?x1501 RSP) true)))
(let (($x3990 (and (distinct (_ bv1 8) (_ bv2 8)) true)))
(let (($x5125 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x99 (= VM (_ bv0 1))))
(let (($x758 (= DF (_ bv0 1))))
(and $x758 $x99 (or $x5125 $x3990 true $x1616))))))))))
(check-sat)
