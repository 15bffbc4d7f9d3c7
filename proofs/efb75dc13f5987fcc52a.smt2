; corpus/equivalent/x86_64-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x204 (bvsub RSP (_ bv8 64))))
(let ((?x29 (bvadd ?x204 (_ bv8 64))))
(let (($x186 (and (distinct ?x29 RSP) true)))
(let (($x241 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x9 (= VM (_ bv0 1))))
(let (($x107 (= DF (_ bv0 1))))
(and $x107 $x9 (or $x241 $x186)))))))))
(check-sat)
