; corpus/equivalent/x86_64-read_cr8.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x96 (bvsub RSP (_ bv8 64))))
(let ((?x77 (bvadd ?x96 (_ bv8 64))))
(let (($x218 (and (distinct ?x77 RSP) true)))
(let (($x140 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x214 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x56 (= TF (_ bv0 1))))
(let (($x108 (= VM (_ bv0 1))))
(let (($x44 (= DF (_ bv0 1))))
(and $x44 $x108 $x56 $x214 (or $x140 $x218)))))))))))
(check-sat)
