; corpus/equivalent/x86_64-stac.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x401 (bvsub RSP (_ bv8 64))))
(let ((?x351 (bvadd ?x401 (_ bv8 64))))
(let (($x191 (and (distinct ?x351 RSP) true)))
(let (($x287 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x255 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x81 (= TF (_ bv0 1))))
(let (($x332 (= VM (_ bv0 1))))
(let (($x61 (= DF (_ bv0 1))))
(and $x61 $x332 $x81 $x255 (or $x287 $x191)))))))))))
(check-sat)
