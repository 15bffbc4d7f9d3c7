; corpus/not-equivalent/x86_64-callee-save-clobbers-rcx.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun RDI () (_ BitVec 64))
(declare-fun RCX () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x184 (bvsub RSP (_ bv8 64))))
(let ((?x2010 (bvadd ?x184 (_ bv8 64))))
(let (($x972 (and (distinct ?x2010 RSP) true)))
(let (($x948 (and (distinct RCX RDI) true)))
(let (($x141 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x1101 (= VM (_ bv0 1))))
(let (($x1484 (= DF (_ bv0 1))))
(and $x1484 $x1101 (or $x141 $x948 $x972))))))))))
(check-sat)
