; corpus/equivalent/x86_64-ident32-for-u32.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x750 (bvsub RSP (_ bv8 64))))
(let ((?x533 (bvadd ?x750 (_ bv8 64))))
(let (($x27 (and (distinct ?x533 RSP) true)))
(let (($x181 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x529 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x316 (= TF (_ bv0 1))))
(let (($x32 (= VM (_ bv0 1))))
(let (($x218 (= DF (_ bv0 1))))
(and $x218 $x32 $x316 $x529 (or $x181 $x27)))))))))))
(check-sat)
