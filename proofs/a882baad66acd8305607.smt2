; corpus/equivalent/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1044 (bvsub RSP (_ bv8 64))))
(let ((?x53 (bvadd ?x1044 (_ bv8 64))))
(let (($x23 (and (distinct ?x53 RSP) true)))
(let (($x710 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x843 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x497 (= TF (_ bv0 1))))
(let (($x853 (= VM (_ bv0 1))))
(let (($x764 (= DF (_ bv0 1))))
(and $x764 $x853 $x497 $x843 (or $x710 $x23)))))))))))
(check-sat)
