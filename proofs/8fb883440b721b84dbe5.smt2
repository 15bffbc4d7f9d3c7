; corpus/equivalent/x86_64-dead-stack-write.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x130 (bvsub RSP (_ bv8 64))))
(let ((?x218 (bvadd ?x130 (_ bv8 64))))
(let (($x29 (and (distinct ?x218 RSP) true)))
(let (($x33 (and (distinct (_ bv18446744071578845193 64) (_ bv18446744071578845193 64)) true)))
(let (($x88 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x180 (= TF (_ bv0 1))))
(let (($x76 (= VM (_ bv0 1))))
(let (($x24 (= DF (_ bv0 1))))
(and $x24 $x76 $x180 $x88 (or $x33 $x29)))))))))))
(check-sat)
