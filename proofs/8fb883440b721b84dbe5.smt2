; corpus/equivalent/x86_64-dead-stack-write.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x132 (bvsub RSP (_ bv8 64))))
(let ((?x37 (bvadd ?x132 (_ bv8 64))))
(let (($x62 (and (distinct ?x37 RSP) true)))
(let (($x117 (and (distinct (_ bv18446744071578845193 64) (_ bv18446744071578845193 64)) true)))
(let (($x21 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x110 (= TF (_ bv0 1))))
(let (($x79 (= VM (_ bv0 1))))
(let (($x244 (= DF (_ bv0 1))))
(and $x244 $x79 $x110 $x21 (or $x117 $x62)))))))))))
(check-sat)
