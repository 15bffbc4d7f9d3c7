; corpus/equivalent/x86_64-dead-stack-write.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x133 (bvsub RSP (_ bv8 64))))
(let ((?x195 (bvadd ?x133 (_ bv8 64))))
(let (($x109 (and (distinct ?x195 RSP) true)))
(let (($x167 (and (distinct (_ bv18446744071578845193 64) (_ bv18446744071578845193 64)) true)))
(let (($x75 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x93 (= TF (_ bv0 1))))
(let (($x177 (= VM (_ bv0 1))))
(let (($x230 (= DF (_ bv0 1))))
(and $x230 $x177 $x93 $x75 (or $x167 $x109)))))))))))
(check-sat)
