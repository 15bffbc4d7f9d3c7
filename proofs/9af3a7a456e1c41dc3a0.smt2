; corpus/equivalent/x86_64-read_msr.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x72 (bvsub RSP (_ bv8 64))))
(let ((?x403 (bvadd ?x72 (_ bv8 64))))
(let (($x596 (and (distinct ?x403 RSP) true)))
(let (($x186 (and (distinct (_ bv18446744071578845200 64) (_ bv18446744071578845200 64)) true)))
(let (($x290 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x238 (= TF (_ bv0 1))))
(let (($x79 (= VM (_ bv0 1))))
(let (($x187 (= DF (_ bv0 1))))
(and $x187 $x79 $x238 $x290 (or $x186 $x596)))))))))))
(check-sat)
