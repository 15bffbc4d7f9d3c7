; corpus/not-equivalent/x86_64-explicit-clobbers-narrow.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun RDI () (_ BitVec 64))
(declare-fun RCX () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1129 (bvsub RSP (_ bv8 64))))
(let ((?x972 (bvadd ?x1129 (_ bv8 64))))
(let (($x3973 (and (distinct ?x972 RSP) true)))
(let (($x1478 (and (distinct RCX RDI) true)))
(let (($x1069 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x5150 (= VM (_ bv0 1))))
(let (($x902 (= DF (_ bv0 1))))
(and $x902 $x5150 (or $x1069 $x1478 $x3973))))))))))
(check-sat)
