; corpus/equivalent/x86_64-read_msr.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x177 (bvsub RSP (_ bv8 64))))
(let ((?x709 (bvadd ?x177 (_ bv8 64))))
(let (($x127 (and (distinct ?x709 RSP) true)))
(let (($x764 (and (distinct (_ bv18446744071578845200 64) (_ bv18446744071578845200 64)) true)))
(let (($x427 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x76 (= TF (_ bv0 1))))
(let (($x170 (= VM (_ bv0 1))))
(let (($x351 (= DF (_ bv0 1))))
(and $x351 $x170 $x76 $x427 (or $x764 $x127)))))))))))
(check-sat)
