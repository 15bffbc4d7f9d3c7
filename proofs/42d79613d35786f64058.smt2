; corpus/equivalent/x86_64-write_cr4.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1337 (bvsub RSP (_ bv8 64))))
(let ((?x1190 (bvadd ?x1337 (_ bv8 64))))
(let (($x360 (and (distinct ?x1190 RSP) true)))
(let (($x324 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x29 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1023 (= TF (_ bv0 1))))
(let (($x582 (= VM (_ bv0 1))))
(let (($x53 (= DF (_ bv0 1))))
(and $x53 $x582 $x1023 $x29 (or $x324 $x360)))))))))))
(check-sat)
