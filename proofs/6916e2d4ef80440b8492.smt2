; corpus/not-equivalent/x86_64-halt-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1040 (bvsub RSP (_ bv8 64))))
(let ((?x6678 (bvadd ?x1040 (_ bv8 64))))
(let (($x4024 (and (distinct ?x6678 RSP) true)))
(let (($x4512 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x22 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1443 (= TF (_ bv0 1))))
(let (($x5916 (= VM (_ bv0 1))))
(let (($x3799 (= DF (_ bv0 1))))
(and $x3799 $x5916 $x1443 $x22 (or $x4512 true $x4024)))))))))))
(check-sat)
