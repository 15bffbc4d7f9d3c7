; corpus/equivalent/x86_64-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x71 (bvsub RSP (_ bv8 64))))
(let ((?x63 (bvadd ?x71 (_ bv8 64))))
(let (($x159 (and (distinct ?x63 RSP) true)))
(let (($x6 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x196 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x114 (= TF (_ bv0 1))))
(let (($x29 (= VM (_ bv0 1))))
(let (($x202 (= DF (_ bv0 1))))
(and $x202 $x29 $x114 $x196 (or $x6 $x159)))))))))))
(check-sat)
