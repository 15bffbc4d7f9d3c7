; corpus/not-equivalent/x86_64-halt-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6069 (bvsub RSP (_ bv8 64))))
(let ((?x14369 (bvadd ?x6069 (_ bv8 64))))
(let (($x6491 (and (distinct ?x14369 RSP) true)))
(let (($x1096 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x407 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x14 (= TF (_ bv0 1))))
(let (($x963 (= VM (_ bv0 1))))
(let (($x16577 (= DF (_ bv0 1))))
(and $x16577 $x963 $x14 $x407 (or $x1096 true $x6491)))))))))))
(check-sat)
