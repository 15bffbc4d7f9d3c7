; corpus/equivalent/x86_64-stac.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x196 (bvsub RSP (_ bv8 64))))
(let ((?x309 (bvadd ?x196 (_ bv8 64))))
(let (($x42 (and (distinct ?x309 RSP) true)))
(let (($x551 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x159 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x197 (= TF (_ bv0 1))))
(let (($x580 (= VM (_ bv0 1))))
(let (($x544 (= DF (_ bv0 1))))
(and $x544 $x580 $x197 $x159 (or $x551 $x42)))))))))))
(check-sat)
