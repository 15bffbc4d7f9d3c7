; corpus/equivalent/x86_64-inb.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x155 (bvsub RSP (_ bv8 64))))
(let ((?x107 (bvadd ?x155 (_ bv8 64))))
(let (($x14 (and (distinct ?x107 RSP) true)))
(let (($x241 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x28 (= VM (_ bv0 1))))
(let (($x176 (= DF (_ bv0 1))))
(and $x176 $x28 (or $x241 $x14)))))))))
(check-sat)
