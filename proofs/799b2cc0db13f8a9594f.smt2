; corpus/history/5.13-altnot/5.13-x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x91 (bvsub RSP (_ bv8 64))))
(let ((?x101 (bvadd ?x91 (_ bv8 64))))
(let (($x528 (and (distinct ?x101 RSP) true)))
(let (($x104 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x339 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x685 (= TF (_ bv0 1))))
(let (($x3782 (= VM (_ bv0 1))))
(let (($x239 (= DF (_ bv0 1))))
(and $x239 $x3782 $x685 $x339 (or $x104 $x528)))))))))))
(check-sat)
