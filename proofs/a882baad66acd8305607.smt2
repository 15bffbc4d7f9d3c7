; corpus/equivalent/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x487 (bvsub RSP (_ bv8 64))))
(let ((?x139 (bvadd ?x487 (_ bv8 64))))
(let (($x362 (and (distinct ?x139 RSP) true)))
(let (($x198 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x195 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x226 (= TF (_ bv0 1))))
(let (($x80 (= VM (_ bv0 1))))
(let (($x189 (= DF (_ bv0 1))))
(and $x189 $x80 $x226 $x195 (or $x198 $x362)))))))))))
(check-sat)
