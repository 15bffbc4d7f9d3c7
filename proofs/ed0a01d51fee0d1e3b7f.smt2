; corpus/equivalent/x86_64-stac.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x411 (bvsub RSP (_ bv8 64))))
(let ((?x685 (bvadd ?x411 (_ bv8 64))))
(let (($x47 (and (distinct ?x685 RSP) true)))
(let (($x1108 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x100 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x845 (= TF (_ bv0 1))))
(let (($x13 (= VM (_ bv0 1))))
(let (($x188 (= DF (_ bv0 1))))
(and $x188 $x13 $x845 $x100 (or $x1108 $x47)))))))))))
(check-sat)
