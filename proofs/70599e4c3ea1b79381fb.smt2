; corpus/equivalent/x86_64-save_fl-pushf-pop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x58 (bvsub RSP (_ bv8 64))))
(let ((?x301 (bvadd ?x58 (_ bv8 64))))
(let ((?x198 (bvsub ?x58 (_ bv8 64))))
(let ((?x307 (bvadd ?x198 (_ bv8 64))))
(let ((?x633 (bvadd ?x307 (_ bv8 64))))
(let (($x141 (and (distinct ?x633 ?x301) true)))
(let (($x144 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x56 (= VM (_ bv0 1))))
(let (($x881 (= DF (_ bv0 1))))
(and $x881 $x56 (or $x144 $x141))))))))))))
(check-sat)
